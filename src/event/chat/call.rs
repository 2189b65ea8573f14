//! TODO(helper): family call.
