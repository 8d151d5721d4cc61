"""CLIP's vision tower in plain torch, read straight from the checkpoint's weights.

Why not ``transformers`` for this part: importing its model code pulls in
``torch.distributed.tensor``, dynamo and sympy, about 2.5 s of a 4 s cold start on a 2-core
machine, for a forward pass that is a plain pre-LayerNorm ViT. Indexing and every suggestion
need only this tower. The text tower (and ``transformers``) still load on the first text
search, and any checkpoint outside the shape below (another model type or activation, weights
missing or of the wrong shape) loads through ``transformers`` as before: `load_vision_tower`
answers None for it.

The forward is ``CLIPVisionTransformer``'s and then ``visual_projection``: patches and a class
token plus learned positions, ``pre_layrnorm``, the encoder layers (LayerNorm, multi-head
self-attention, residual; LayerNorm, MLP, residual), ``post_layernorm`` of the class token. A
test holds it to ``transformers``' own output on the same pixels.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["VisionConfig", "VisionTower", "load_vision_tower"]

# CLIPVisionConfig's defaults: a config.json may leave out what equals them.
_DEFAULTS: Final[dict[str, Any]] = {
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "num_channels": 3,
    "image_size": 224,
    "patch_size": 32,
    "hidden_act": "quick_gelu",
    "layer_norm_eps": 1e-5,
}


def _quick_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(1.702 * x)


def _gelu(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x)


def _gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")


_ACTIVATIONS: Final[dict[str, Callable[[torch.Tensor], torch.Tensor]]] = {
    "quick_gelu": _quick_gelu,
    "gelu": _gelu,
    "gelu_new": _gelu_tanh,
    "gelu_pytorch_tanh": _gelu_tanh,
}


@dataclass(frozen=True)
class VisionConfig:
    hidden: int
    intermediate: int
    layers: int
    heads: int
    channels: int
    image_size: int
    patch: int
    act: str
    eps: float
    projection: int

    @classmethod
    def from_model_config(cls, config: Mapping[str, Any]) -> VisionConfig | None:
        """From a whole CLIP's config.json; None when it is not a plain CLIP ViT."""
        if config.get("model_type") != "clip":
            return None
        vision = {**_DEFAULTS, **(config.get("vision_config") or {})}
        vision.update(config.get("vision_config_dict") or {})  # old exports: it wins
        try:
            out = cls(
                hidden=int(vision["hidden_size"]),
                intermediate=int(vision["intermediate_size"]),
                layers=int(vision["num_hidden_layers"]),
                heads=int(vision["num_attention_heads"]),
                channels=int(vision["num_channels"]),
                image_size=int(vision["image_size"]),
                patch=int(vision["patch_size"]),
                act=str(vision["hidden_act"]),
                eps=float(vision["layer_norm_eps"]),
                projection=int(config.get("projection_dim", 512)),
            )
        except (TypeError, ValueError, KeyError):
            return None
        sizes = (out.hidden, out.intermediate, out.layers, out.heads, out.channels, out.patch)
        if min(sizes) <= 0 or out.projection <= 0 or out.act not in _ACTIVATIONS:
            return None
        whole = out.hidden % out.heads == 0 and out.image_size % out.patch == 0
        return out if whole and out.image_size > 0 else None

    @property
    def positions(self) -> int:
        return (self.image_size // self.patch) ** 2 + 1


def _empty(*shape: int) -> nn.Parameter:
    # Uninitialised: every weight is replaced by the checkpoint's. (nn.Linear and friends
    # would draw random weights first; on the meta device their init imports dynamo.)
    return nn.Parameter(torch.empty(*shape), requires_grad=False)


class _Linear(nn.Module):
    def __init__(self, n_in: int, n_out: int, *, bias: bool = True) -> None:
        super().__init__()
        self.weight = _empty(n_out, n_in)
        self.bias = _empty(n_out) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class _LayerNorm(nn.Module):
    def __init__(self, n: int, eps: float) -> None:
        super().__init__()
        self.weight, self.bias, self.eps = _empty(n), _empty(n), eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, self.eps)


class _Table(nn.Module):
    """A learned table read whole (the positions: every one is used for every photo)."""

    def __init__(self, rows: int, n: int) -> None:
        super().__init__()
        self.weight = _empty(rows, n)


class _PatchConv(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.weight, self.patch = _empty(c.hidden, c.channels, c.patch, c.patch), c.patch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight, stride=self.patch)


class _Embeddings(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.class_embedding = _empty(c.hidden)
        self.patch_embedding = _PatchConv(c)
        self.position_embedding = _Table(c.positions, c.hidden)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        patches = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(pixels.shape[0], 1, -1)
        return torch.cat([cls, patches], dim=1) + self.position_embedding.weight


class _Attention(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.heads = c.heads
        self.q_proj = _Linear(c.hidden, c.hidden)
        self.k_proj = _Linear(c.hidden, c.hidden)
        self.v_proj = _Linear(c.hidden, c.hidden)
        self.out_proj = _Linear(c.hidden, c.hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        # The default scale is CLIP's own, 1 / sqrt(head size).
        out = F.scaled_dot_product_attention(q, k, v)
        out_proj: torch.Tensor = self.out_proj(out.transpose(1, 2).reshape(b, n, d))
        return out_proj


class _Mlp(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.act = _ACTIVATIONS[c.act]
        self.fc1 = _Linear(c.hidden, c.intermediate)
        self.fc2 = _Linear(c.intermediate, c.hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.fc2(self.act(self.fc1(x)))
        return out


class _Layer(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.self_attn = _Attention(c)
        self.layer_norm1 = _LayerNorm(c.hidden, c.eps)
        self.mlp = _Mlp(c)
        self.layer_norm2 = _LayerNorm(c.hidden, c.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x))
        out: torch.Tensor = x + self.mlp(self.layer_norm2(x))
        return out


class _Encoder(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.layers = nn.ModuleList(_Layer(c) for _ in range(c.layers))


class _VisionModel(nn.Module):
    def __init__(self, c: VisionConfig) -> None:
        super().__init__()
        self.embeddings = _Embeddings(c)
        self.pre_layrnorm = _LayerNorm(c.hidden, c.eps)  # sic: the checkpoint's name
        self.encoder = _Encoder(c)
        self.post_layernorm = _LayerNorm(c.hidden, c.eps)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = self.pre_layrnorm(self.embeddings(pixels))
        for layer in self.encoder.layers:
            x = layer(x)
        pooled: torch.Tensor = self.post_layernorm(x[:, 0, :])
        return pooled


class VisionTower(nn.Module):
    """Pixels (n, channels, size, size) -> CLIP's image embeddings (n, projection), unnormalised.
    Parameter names are the checkpoint's own (``vision_model.*``, ``visual_projection``)."""

    def __init__(self, config: VisionConfig) -> None:
        super().__init__()
        self.config = config
        self.vision_model = _VisionModel(config)
        self.visual_projection = _Linear(config.hidden, config.projection, bias=False)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.visual_projection(self.vision_model(pixels))
        return out


def load_vision_tower(folder: Path, config: Mapping[str, Any] | None = None) -> VisionTower | None:
    """The vision tower of the CLIP in `folder`, with only its own weights read; None when
    the checkpoint is not a plain CLIP ViT this module reproduces (load it otherwise).
    `config` is the folder's config.json when the caller has read it already."""
    if config is None:
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    vc = VisionConfig.from_model_config(config) if isinstance(config, dict) else None
    if vc is None:
        return None
    with torch.device("meta"):  # shapes only: nothing is allocated before they match
        tower = VisionTower(vc)
    wanted = {name: p.shape for name, p in tower.state_dict().items()}
    weights = dict(_read(folder, set(wanted)))
    if set(weights) != set(wanted) or any(weights[k].shape != s for k, s in wanted.items()):
        return None
    tower.load_state_dict(weights, assign=True)
    return tower


def _read(folder: Path, names: set[str]) -> Iterator[tuple[str, torch.Tensor]]:
    """The named tensors of the checkpoint in `folder` (one safetensors file, a sharded one
    or a pickled ``pytorch_model.bin``), each read once and nothing else."""
    single, index = folder / "model.safetensors", folder / "model.safetensors.index.json"
    if single.is_file():
        yield from _from_safetensors(single, names)
    elif index.is_file():
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
        except (OSError, ValueError, KeyError, TypeError):
            return
        for shard in sorted({weight_map[n] for n in names if n in weight_map}):
            yield from _from_safetensors(folder / shard, names)
    elif (folder / "pytorch_model.bin").is_file():
        state = torch.load(
            folder / "pytorch_model.bin", map_location="cpu", weights_only=True, mmap=True
        )
        for name in names & set(state):
            yield name, state[name]


def _from_safetensors(path: Path, names: set[str]) -> Iterator[tuple[str, torch.Tensor]]:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        for name in names & set(f.keys()):
            yield name, f.get_tensor(name)
