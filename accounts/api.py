from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import validators
from core.api import NormalisedCharField

from .models import User
from .services import totp_verify, user_requires_otp


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=12, required=False, allow_blank=True,
        help_text=_("Six-digit code from the authenticator app; required for supervisors."),
    )


class ObtainTokenView(APIView):
    """``POST {"username", "password"[, "otp"]}`` → ``{"token": ...}``, for ``Authorization: Token ...``.

    Goes through django-axes (lockout after repeated failures) and asks supervisors for their second factor,
    so a token is never an easier way in than the browser.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            return Response({"detail": _("Unable to sign in with the username and password given.")},
                            status=status.HTTP_400_BAD_REQUEST)
        if user_requires_otp(user) and not totp_verify(user=user, code=data.validated_data.get("otp", "")):
            return Response({"otp": [_("Supervisors need a valid code from their authenticator app.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeSerializer(serializers.ModelSerializer):
    mobile = NormalisedCharField(normalise=validators.normalize_mobile, required=False, allow_blank=True,
                                 max_length=32)
    national_code = NormalisedCharField(normalise=validators.normalize_national_code, required=False,
                                        allow_blank=True, allow_null=True, max_length=32)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "mobile", "national_code", "birth_date"]
        read_only_fields = ["id", "username"]

    def validate_national_code(self, value):
        return value or None


class MeView(generics.RetrieveUpdateAPIView):
    """The caller's own account: read it, or correct their name, contact and identifiers."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
