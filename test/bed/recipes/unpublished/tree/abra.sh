#!/usr/bin/env bash

export MOTD_VERSION=v1
