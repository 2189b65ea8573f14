//! TODO(helper): family moderation.
