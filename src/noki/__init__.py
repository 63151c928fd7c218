"""noki (納期): backorder decisions, grounded delay notices and VOC explanation gaps."""

__version__ = "0.1.0"
