"""Ideas from anyone, triaged by the project office, and similar initiatives across committees
(the similarity engine, its index, the "not similar" and "related" marks)."""
