"""Write the sample photo used by `make run`: scikit-image's astronaut, framed on the face."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data


def main(target: str) -> None:
    rgb = np.asarray(data.astronaut())
    face = rgb[20:300, 90:370]  # the face and shoulders of the 512 px portrait
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(face).resize((1024, 1024), Image.Resampling.LANCZOS).save(path, quality=92)
    print(f"sample photo: {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/sample.jpg")
