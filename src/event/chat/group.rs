//! TODO(helper): family group.
