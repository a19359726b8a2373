"""Tests of the target reviewer (jixiao.domain.review)."""
