"""The dashboard plugin host: a small versioned contract, discovery, isolation, pages."""
