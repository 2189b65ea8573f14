//! TODO(helper): family sns.
