from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def paper_list(request):
    return render(request, "papers/paper_list.html")


@require_safe
def recording_list(request):
    return render(request, "papers/recording_list.html")
