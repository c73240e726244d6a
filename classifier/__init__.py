"""The text model that sorts AI questions into the nine objectives of the convergence plan.

Free of Flask on purpose: it trains, evaluates and predicts on its own
(`python -m classifier train|evaluate|predict`) and the web application only calls into it.
"""
