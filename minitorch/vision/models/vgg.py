"""VGG (Simonyan & Zisserman 2014) and AlexNet, as ``torchvision.models``."""

from __future__ import annotations

from ... import flatten, nn
from ._api import Weights, WeightsEnum, _load_into, _resolve

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg13", "vgg16", "vgg16_bn", "vgg19", "AlexNet", "alexnet",
           "VGG11_Weights", "VGG16_Weights", "AlexNet_Weights"]  # fmt: skip

_URL = "https://download.pytorch.org/models/"


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )  # fmt: skip
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(cfg, batch_norm=False) -> nn.Sequential:
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        512,
        "M",
    ],
}


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg11-8a719046.pth")
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg11_bn-6002323d.pth")
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg13-19584684.pth")
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg16-397923af.pth")
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg16_bn-6c64b313.pth")
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "vgg19-dcbb9e9d.pth")
    DEFAULT = IMAGENET1K_V1


def _vgg(cfg, batch_norm, enum, weights, kwargs) -> VGG:
    weights = _resolve(enum, weights, kwargs)
    if weights is not None:
        kwargs["init_weights"] = False
    return _load_into(VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), weights)


def vgg11(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("A", False, VGG11_Weights, weights, kwargs)


def vgg11_bn(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("A", True, VGG11_BN_Weights, weights, kwargs)


def vgg13(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("B", False, VGG13_Weights, weights, kwargs)


def vgg16(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("D", False, VGG16_Weights, weights, kwargs)


def vgg16_bn(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("D", True, VGG16_BN_Weights, weights, kwargs)


def vgg19(*, weights=None, progress=True, **kwargs) -> VGG:
    return _vgg("E", False, VGG19_Weights, weights, kwargs)


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )  # fmt: skip
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )  # fmt: skip

    def forward(self, x):
        x = flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(_URL + "alexnet-owt-7be5be79.pth")
    DEFAULT = IMAGENET1K_V1


def alexnet(*, weights=None, progress=True, **kwargs) -> AlexNet:
    weights = _resolve(AlexNet_Weights, weights, kwargs)
    return _load_into(AlexNet(**kwargs), weights)
