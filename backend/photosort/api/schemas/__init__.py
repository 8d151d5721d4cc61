"""Request and response models: what each route takes and returns. The UI's types are generated
from their OpenAPI (client/scripts/openapi.py), so a change here is a change to the client."""
