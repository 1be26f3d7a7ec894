"""The layer classes whose Keras cases are generated and must pass in LayerScope.

The grids (grids/*.py) describe cases for more classes than LayerScope has; a class is judged only
once it is listed here. To enable a class: add its name, rebuild nothing, run ctest (the fixture
regenerates the cases because this file changed). A listed class that the registry does not know
fails test_keras_differential.

Merge layers (Add ... Concatenate) are Functional models with two inputs (input_0.npy,
input_1.npy), loaded like every case through the graph loader.
"""

# Every class some grid describes; generate.py fails when a grid yields a class missing here.
ALL_CLASSES = [
    "AveragePooling2D", "GlobalAveragePooling2D", "UpSampling2D", "Resizing", "Tile", "Conv2D",
    "MaxPooling2D", "GlobalMaxPooling2D",
    "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
    "BatchNormalization",
    "ZeroPadding2D", "Cropping2D",
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Activation",
    "Dense", "Flatten", "Reshape", "Permute",
    "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
    "RandomBrightness", "RandomCrop",
    "Rescaling", "Normalization", "CenterCrop",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
]

ENABLED_CLASSES = list(ALL_CLASSES)
