from . import public as parent_public
from . import star_source as sibling
VALUE = "sub:" + parent_public + ":" + str(sibling.visible)
