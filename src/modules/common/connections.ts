import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { Town } from '../town/town.entity';
import { TwinLink } from '../twin-link/twin-link.entity';
import { connectionType } from './connection';

export const TownConnection = connectionType(Town, 'Town', 'towns');
export const TwinLinkConnection = connectionType(TwinLink, 'TwinLink', 'twin links');
export const SchoolConnection = connectionType(School, 'School', 'schools');
export const SchoolClassConnection = connectionType(SchoolClass, 'SchoolClass', 'classes');
