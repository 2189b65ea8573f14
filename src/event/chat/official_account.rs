//! TODO(helper): family official_account.
