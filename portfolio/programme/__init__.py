"""The programme: priority areas, principles, org units, scales, periods and defaults."""
