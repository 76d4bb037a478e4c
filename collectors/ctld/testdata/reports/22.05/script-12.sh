#!/bin/bash
#SBATCH -J scripted
#SBATCH --mem=64M
#SBATCH --time=00:05:00
# a comment with "quotes" and a tab	here
for i in 1 2 3; do echo "step $i"; done
sleep 1
