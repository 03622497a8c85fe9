from django.http import JsonResponse


def floor(request):
    """The floor: the cheapest Django view, through the same middleware, server
    and workers as the API. Every other figure is read as a ratio against it."""
    return JsonResponse({"status": "ok"})
