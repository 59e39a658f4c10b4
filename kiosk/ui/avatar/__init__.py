"""The talking avatar: avatar folders, animation, and the OpenGL renderers."""
