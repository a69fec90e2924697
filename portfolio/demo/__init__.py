"""Demo data true to the source document (Eskilstuna's audit papers), plus marked inventions."""
