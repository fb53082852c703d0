# Perch container image: built on the Swift image, run on slim Debian with only the shared
# libraries Perch links. Both stages install their system packages through scripts/install-deps,
# the same script the quick start and CI run.

FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps
COPY . .
RUN swift build -c release -j 2 --product perch --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/perch" /out/perch

FROM debian:bookworm-slim
COPY scripts/install-deps /usr/local/lib/perch/install-deps
RUN /usr/local/lib/perch/install-deps --runtime \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/perch --create-home perch
COPY --from=build /out/perch /usr/local/bin/perch
COPY flows /etc/perch/flows
USER 10001
WORKDIR /var/lib/perch
ENV PERCH_LISTEN=0.0.0.0:8080 \
    PERCH_FLOWS=/etc/perch/flows \
    PERCH_STORE=/var/lib/perch/perch.sqlite
VOLUME ["/etc/perch/flows", "/var/lib/perch"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 CMD ["perch", "health"]
ENTRYPOINT ["perch"]
CMD ["serve"]
