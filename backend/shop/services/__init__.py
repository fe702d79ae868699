"""Use cases: one function per business operation, each its own transaction.

Routes and jobs call these; they call the domain for rules and adapters for the outside world.
"""
