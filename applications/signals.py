"""Events other apps listen to (casework routes a submitted application to a team).

``application_submitted`` is sent inside the submit transaction, with
``application=`` the locked, just submitted ``Application``. A listener that
changes the row saves it on that same instance (``save_new_version``), so the
citizen's answer carries the row's final version. Applications imports no
listener.
"""

from django.dispatch import Signal

application_submitted = Signal()
