# m365sync: `make demo` runs the main job, `make test` the whole suite.
# BUILD_DIR and JOBS may be overridden: `make test BUILD_DIR=build-asan CMAKE_ARGS=-DM365_SANITIZE=ON`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
BUILD_TYPE ?= Release

.PHONY: all deps configure build demo test bench soak asan tsan clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

demo: build
	$(BUILD_DIR)/bin/m365sync demo

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -LE soak

bench: build
	scripts/run-benchmarks $(BUILD_DIR)

soak: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L soak

asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo CMAKE_ARGS=-DM365_SANITIZE=ON

tsan:
	$(MAKE) test BUILD_DIR=build-tsan BUILD_TYPE=RelWithDebInfo CMAKE_ARGS=-DM365_TSAN=ON

clean:
	rm -rf $(BUILD_DIR)
