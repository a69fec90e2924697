from flask_smorest import Blueprint

blp = Blueprint("api_initiative_children", __name__)
