from flask_smorest import Blueprint

blp = Blueprint("api_plans", __name__)
