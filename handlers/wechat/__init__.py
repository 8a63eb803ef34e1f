"""handlers.wechat.adapter."""
