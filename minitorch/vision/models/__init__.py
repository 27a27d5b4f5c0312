"""``torchvision.models`` on minitorch: ResNet, VGG, AlexNet, SqueezeNet, DenseNet and MobileNetV2 with torchvision's
module names (torchvision state_dicts load). No downloads: ``weights=`` loads the file from
torch hub's cache when it is there and otherwise raises, saying where to put it."""

from ._api import Weights, WeightsEnum
from .densenet import (
    DenseNet,
    DenseNet121_Weights,
    DenseNet161_Weights,
    DenseNet169_Weights,
    DenseNet201_Weights,
    densenet121,
    densenet161,
    densenet169,
    densenet201,
)
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2
from .resnet import (
    BasicBlock,
    Bottleneck,
    ResNet,
    ResNet18_Weights,
    ResNet34_Weights,
    ResNet50_Weights,
    ResNet101_Weights,
    ResNet152_Weights,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
)
from .squeezenet import SqueezeNet, SqueezeNet1_0_Weights, SqueezeNet1_1_Weights, squeezenet1_0, squeezenet1_1
from .vgg import (
    VGG,
    VGG11_BN_Weights,
    VGG11_Weights,
    VGG13_Weights,
    VGG16_BN_Weights,
    VGG16_Weights,
    VGG19_Weights,
    AlexNet,
    AlexNet_Weights,
    alexnet,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg16,
    vgg16_bn,
    vgg19,
)
