# The two commands of the README. Everything else is a helper for them.
.PHONY: run test build-release build-debug format bench clean validation

DB ?= var/securebase.db

run: build-release
	@mkdir -p -m 700 var
	./build/release/securebase migrate --database "sqlite://$(DB)"
	test -f var/data.key || ./build/release/securebase admin create-key --out var/data.key
	./build/release/securebase admin seed-demo --database "sqlite://$(DB)" --data-key var/data.key
	./build/release/securebase serve --database "sqlite://$(DB)" --data-key var/data.key --address 127.0.0.1 --port 8080 --insecure-cookies

test:
	scripts/bootstrap --test
	cmake --preset debug
	cmake --build --preset debug
	scripts/run-tests

build-release:
	scripts/bootstrap
	cmake --preset release
	cmake --build --preset release

bench: build-release
	scripts/bootstrap --test
	bench/run-all

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build

# Regenerates content/instruments/ecr-1998.json, SecureBase's bank's provisional parameters
# (derived from it) and docs/VALIDATION.md from the shared ECR data; the second run adds the
# longer analyses (fit, DIF, adaptive rules, the sample-size study on the regenerated bank).
VALIDATE = ./build/release/securebase irt validate --quiet \
	  --data ../shared/data/ecr/responses.csv \
	  --instrument content/instruments/ecr-1998.structure.json \
	  --out content/instruments/ecr-1998.json --report docs/VALIDATION.md
validation: build-release
	$(VALIDATE) >/dev/null
	./build/release/securebase irt provisional \
	  --instrument content/instruments/securebase-relationships.structure.json \
	  --reference content/instruments/ecr-1998.json --out content/instruments/securebase-relationships.json
	$(VALIDATE) --extended --bank content/instruments/securebase-relationships.json >/dev/null
