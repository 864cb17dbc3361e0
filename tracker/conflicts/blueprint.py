"""The conflict pages' blueprint: reading them (``views``) and changing them (``editing``)."""

from flask import Blueprint

bp = Blueprint("conflicts", __name__)
