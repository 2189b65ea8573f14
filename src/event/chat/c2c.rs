//! TODO(helper): family c2c.
