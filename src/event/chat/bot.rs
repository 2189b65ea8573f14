//! TODO(helper): family bot.
