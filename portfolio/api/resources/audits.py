from flask_smorest import Blueprint

blp = Blueprint("api_audits", __name__)
