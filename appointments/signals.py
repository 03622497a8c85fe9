"""Events other apps listen to (video closes its room on cancel/reschedule).

``appointment_changed`` is sent in ``transaction.on_commit`` with
``appointment=`` (an ``Appointment``) and ``change=`` one of
``"booked"``, ``"cancelled"``, ``"rescheduled"``, ``"updated"``
(``appointments.constants.Change``). Appointments imports no listener.
"""

from django.dispatch import Signal

appointment_changed = Signal()
