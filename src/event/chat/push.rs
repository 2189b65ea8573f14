//! TODO(helper): family push.
