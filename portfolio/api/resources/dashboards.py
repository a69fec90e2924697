from flask_smorest import Blueprint

blp = Blueprint("api_dashboards", __name__)
