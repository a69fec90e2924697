"""Import of initiatives from Excel or CSV (the export's format), with a template and a dry run."""
