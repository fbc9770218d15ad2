# Relay images, built from the repository root.
#   docker build -t relay .                                      # the relay service (default target)
#   docker build -t relay-simulator --target simulator .         # the terminal simulator
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, so this layer is reused until a project file changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Relay.Api/Relay.Api.csproj src/Relay.Api/
COPY src/Relay.Terminal/Relay.Terminal.csproj src/Relay.Terminal/
COPY src/Relay.Terminal.Simulator/Relay.Terminal.Simulator.csproj src/Relay.Terminal.Simulator/
RUN dotnet restore src/Relay.Api/Relay.Api.csproj \
 && dotnet restore src/Relay.Terminal.Simulator/Relay.Terminal.Simulator.csproj
COPY src/ src/

FROM build AS publish-simulator
RUN dotnet publish src/Relay.Terminal.Simulator/Relay.Terminal.Simulator.csproj -c Release --no-restore -o /out

FROM build AS publish-relay
RUN dotnet publish src/Relay.Api/Relay.Api.csproj -c Release --no-restore -o /out

# The simulator keeps its state (device token, result outbox) under its working directory / HOME: /data.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS simulator
COPY --from=publish-simulator /out /app
RUN mkdir -p /data && chown "$APP_UID" /data
ENV HOME=/data
WORKDIR /data
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Relay.Terminal.Simulator.dll"]

# Last stage = default target: the relay. Configure with ConnectionStrings__Relay and Relay__AdminApiKey.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS relay
COPY --from=publish-relay /out /app
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=5080
EXPOSE 5080
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Relay.Api.dll"]
