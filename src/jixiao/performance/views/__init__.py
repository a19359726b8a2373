"""The performance pages, one module per part of the year's work.

Every view starts from ``restrict(request.user, action)``; every change goes through an action in
``jixiao.performance.actions``. What a person may not see answers 404, like what does not exist.
"""
