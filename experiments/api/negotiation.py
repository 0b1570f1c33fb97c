"""Content negotiation that skips parsing ``Accept`` when a view has one renderer.

Every API view answers JSON only, as Dioptra does whatever the client accepts;
parsing the header on each request only decided between 200 and 406. Views
with several renderers (the OpenAPI schema) still negotiate.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class JsonUnlessAsked(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1 and not format_suffix:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
