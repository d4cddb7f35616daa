#!/usr/bin/env bash

export HANDLER_VERSION=v1
