"""Partner Center's state and rules, one model per resource: no HTTP, no JSON.

Handlers parse a request, call one model method and render its answer. Every change goes through a model method,
inside one store transaction; refusals are the typed errors of `errors`.
"""
