"""Where the source document (Eskilstuna's board papers on the 2022 audit) is: the steering
repository's shared/seed beside this checkout (as on the developers' machines and in CI), or
PORTFOLIO_AUDIT_SOURCE. Tests that read it skip with the reason when it is not there."""

from __future__ import annotations

import os
from pathlib import Path

NAME = "000_20940a6a21b81853.txt"
ROOT = Path(__file__).resolve().parents[1]


def source_path() -> Path:
    candidates = [os.environ.get("PORTFOLIO_AUDIT_SOURCE"), ROOT.parent / "shared" / "seed" / NAME,
                  Path("/work/shared/seed") / NAME]
    return next((Path(c) for c in candidates if c and Path(c).exists()), ROOT.parent / "shared" / "seed" / NAME)
