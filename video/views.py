"""The browser pages: the video room and the device check.

The pages are shells without any data of the appointment (the same for every
id): the JavaScript client asks the API, which checks who is asking. So a
stranger learns nothing from the page, and a guest's key stays in the URL
fragment, which the browser never sends to a server.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def room_page(request, public_id):
    return render(request, "video/room.html", {"public_id": public_id})


@ensure_csrf_cookie
def check_page(request):
    return render(request, "video/check.html")
