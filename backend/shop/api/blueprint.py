"""The API's blueprints: flask-smorest's, with each @arguments schema made once."""
from __future__ import annotations

import flask_smorest


class Blueprint(flask_smorest.Blueprint):
    """A schema class given to @arguments becomes one instance, made when the view is declared: webargs
    would build a class anew on every request, with each of its nested schemas (issue 13: three schemas per
    order placed). Marshmallow keeps no state of a load on the schema, so threads share the instance."""

    def arguments(self, schema, *args, **kwargs):
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)
