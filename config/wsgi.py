import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the URLconf (and with it every view, serializer and form) now rather than on the first request, then move
# everything start-up made out of the garbage collector's reach: those objects live as long as the process, and
# without this each full collection walks all of them again (a full collection in the middle of a request is
# most of the slow tail measured by bench/closet_list.py). Frozen objects are also never written by the
# collector, so their memory stays shared between workers forked from one parent.
import_module(settings.ROOT_URLCONF)
gc.freeze()
