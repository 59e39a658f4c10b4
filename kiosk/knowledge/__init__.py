"""Knowledge packs: loading, validation, indexing and hybrid retrieval."""
