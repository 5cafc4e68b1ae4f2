// Importing this module registers every kind of AutoStack file.
import './plan/index.ts';
