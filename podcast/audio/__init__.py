"""Audio plumbing shared by engines and the episode renderer."""
