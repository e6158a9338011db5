"""Customer-facing hotline pages: intake form, own incidents."""
